"""Turns what ``publish`` is given into the bytes of an image file.

Paths, bytes and file objects are sent as they are: the relay decides the type from the bytes. Pillow images,
NumPy arrays and matplotlib figures are encoded here; those libraries are never imported by this package unless
the caller passes one of their objects, so the client needs nothing beyond the standard library.
"""

from __future__ import annotations

import importlib
import io
import os
from typing import Any, Optional, Union

from ._png import encode_png, png_from_filtered_rows

#: Everything ``publish`` takes. Pillow images, NumPy arrays and matplotlib figures are ``Any`` here so that
#: type checkers need none of those libraries either.
ImageInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, io.IOBase, Any]

ENCODINGS = ("png", "jpeg")
DEFAULT_JPEG_QUALITY = 85


def _module_of(value: object) -> str:
    return type(value).__module__ or ""


def _is_numpy_array(value: object) -> bool:
    return _module_of(value).split(".")[0] == "numpy" and hasattr(value, "dtype") and hasattr(value, "shape")


def _is_pillow_image(value: object) -> bool:
    return _module_of(value).split(".")[0] == "PIL" and hasattr(value, "save") and hasattr(value, "mode")


def _is_figure(value: object) -> bool:
    return _module_of(value).split(".")[0] == "matplotlib" and hasattr(value, "savefig")


def image_bytes(image: ImageInput, format: Optional[str] = None, quality: int = DEFAULT_JPEG_QUALITY) -> bytes:
    """The bytes to upload for ``image``; ``format`` ("png" or "jpeg") applies to the kinds this module encodes."""
    if format is not None and format not in ENCODINGS:
        raise ValueError(f'format is "png" or "jpeg", not {format!r}')
    encoded = _is_numpy_array(image) or _is_pillow_image(image) or _is_figure(image)
    if format is not None and not encoded:
        raise ValueError("format applies to NumPy arrays, Pillow images and matplotlib figures; files and bytes are sent as they are")
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image)
    if isinstance(image, (str, os.PathLike)):
        with open(image, "rb") as file:
            return file.read()
    if _is_numpy_array(image):
        return _array_bytes(image, format or "png", quality)
    if _is_pillow_image(image):
        return _pillow_bytes(image, format or "png", quality)
    if _is_figure(image):
        figure: Any = image
        buffer = io.BytesIO()
        # matplotlib writes JPEG through Pillow; PNG needs nothing more.
        extra = {"pil_kwargs": {"quality": quality}} if format == "jpeg" else {}
        figure.savefig(buffer, format=format or "png", **extra)
        return buffer.getvalue()
    read = getattr(image, "read", None)
    if callable(read):
        data = read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("the file object gave text: open image files in binary mode ('rb')")
        return bytes(data)
    raise TypeError(
        f"cannot publish a {type(image).__name__}: give a path, bytes, a binary file object, a Pillow image, "
        "a NumPy array (HxW, HxWx3 or HxWx4 uint8) or a matplotlib figure"
    )


def _array_shape(array: Any) -> "tuple[int, int, int]":
    if str(array.dtype) != "uint8":
        raise TypeError(
            f"NumPy arrays are published as 8-bit images: convert {array.dtype} first, "
            "e.g. (array * 255).clip(0, 255).astype('uint8') for floats in 0..1"
        )
    if array.ndim == 2:
        return int(array.shape[0]), int(array.shape[1]), 1
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        return int(array.shape[0]), int(array.shape[1]), int(array.shape[2])
    raise ValueError(f"NumPy arrays are HxW (gray), HxWx3 (RGB) or HxWx4 (RGBA), not shape {tuple(array.shape)}")


def _array_bytes(array: Any, format: str, quality: int) -> bytes:
    height, width, samples = _array_shape(array)
    if height == 0 or width == 0:
        raise ValueError(f"the array has no pixels (shape {tuple(array.shape)})")
    if format == "jpeg":
        # Only for JPEG: PNG needs nothing beyond the standard library. (Imported by name: no stubs needed.)
        Image: Any = importlib.import_module("PIL.Image")
        pixels = array.reshape(height, width) if samples == 1 else array
        return _pillow_bytes(Image.fromarray(pixels), "jpeg", quality)
    import numpy  # the caller passed an array, so NumPy is there

    rows = numpy.ascontiguousarray(array).reshape(height, width * samples)
    # Filter type 0 in front of every row, built by NumPy rather than a Python loop over rows.
    filtered = numpy.concatenate([numpy.zeros((height, 1), dtype=numpy.uint8), rows], axis=1)
    return png_from_filtered_rows(width, height, samples, filtered.tobytes())


def _pillow_bytes(image: Any, format: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if format == "jpeg":
        # JPEG holds no alpha and no palette: flatten to RGB (or keep gray) as Pillow's own converters do.
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(buffer, format="JPEG", quality=quality)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(buffer, format="PNG")
    return buffer.getvalue()


__all__ = ["ImageInput", "image_bytes", "encode_png"]
