import './style.css';
import { renderChannelList } from './pages/channel-list';
import { renderChannelView } from './pages/channel-view';
import { renderGridView } from './pages/grid-view';

/** Three pages, one script: the relay serves the same HTML at /, /view/<channel> and /grid. */
const root = document.getElementById('app')!;
const path = location.pathname;
if (path.startsWith('/view/')) {
  renderChannelView(root, decodeURIComponent(path.slice('/view/'.length)));
} else if (path === '/grid') {
  renderGridView(root, new URLSearchParams(location.search).getAll('channel').flatMap((name) => name.split(',')).filter(Boolean));
} else {
  renderChannelList(root);
}
