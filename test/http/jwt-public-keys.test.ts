import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config/load-config.js';
import { solidPng } from '../support/png.js';
import { startRelay } from '../support/relay-harness.js';

const png = solidPng(2, 2, [3, 4, 5]);
const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-jwt-keys-'));

type KeyKind = 'rsa' | 'ec' | 'ed25519';
const keyPair = (kind: KeyKind, options: object = {}) =>
  generateKeyPairSync(kind as 'rsa', { modulusLength: 2048, namedCurve: 'P-256', ...options } as never) as unknown as { publicKey: KeyObject; privateKey: KeyObject };

/** A PEM file of the key, as an operator would give it. */
function pemFile(name: string, key: KeyObject): string {
  const file = path.join(dir, name);
  writeFileSync(file, key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }) as string);
  return file;
}

const sign = (alg: string, key: KeyObject | Uint8Array, claims: object = { publish: ['*'] }) =>
  new SignJWT({ 'image-relay': claims }).setProtectedHeader({ alg }).setSubject('cam').setExpirationTime('5m').sign(key);

describe('JWTs signed with a public key file', () => {
  for (const [kind, algorithm, otherAlgorithm] of [
    ['rsa', 'RS256', 'PS256'],
    ['ec', 'ES256', 'ES384'],
    ['ed25519', 'EdDSA', 'Ed25519'],
  ] as const) {
    it(`takes ${algorithm} tokens from a ${kind} key, the algorithm the key's, and refuses other keys and algorithms`, async () => {
      const { publicKey, privateKey } = keyPair(kind);
      const config = loadConfig(['--jwt-public-key', pemFile(`${kind}.pem`, publicKey)], {});
      assert.equal(config.access.jwt && 'algorithm' in config.access.jwt ? config.access.jwt.algorithm : undefined, algorithm);
      const server = await startRelay({ access: config.access, corsOrigins: config.corsOrigins });
      try {
        const publish = async (token: string) =>
          (await fetch(`${server.url}/channels/lab-1/images`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png })).status;
        assert.equal(await publish(await sign(algorithm, privateKey)), 201);
        assert.equal(await publish(await sign(algorithm, keyPair(kind).privateKey)), 401, 'another key of the same type');
        // The same private key under an algorithm the relay was not configured for (jose signs PS256 and the
        // fully-specified Ed25519 with these keys; ES384 needs P-384, so a P-384 key of the attacker's own).
        const otherKey = otherAlgorithm === 'ES384' ? keyPair('ec', { namedCurve: 'P-384' }).privateKey : privateKey;
        assert.equal(await publish(await sign(otherAlgorithm, otherKey)), 401, `${otherAlgorithm} is not pinned`);
        // The algorithm swap: HS256 keyed with the public key, which anyone has.
        const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
        assert.equal(await publish(await sign('HS256', new TextEncoder().encode(pem))), 401, 'HS256 with the public key as secret');
      } finally {
        await server.close();
      }
    });
  }

  it('takes an explicit --jwt-algorithm only if it is the key type\'s', () => {
    const rsa = pemFile('rsa-2.pem', keyPair('rsa').publicKey);
    const ed = pemFile('ed.pem', keyPair('ed25519').publicKey);
    assert.equal((loadConfig(['--jwt-public-key', ed, '--jwt-algorithm', 'EdDSA'], {}).access.jwt as { algorithm: string }).algorithm, 'EdDSA');
    assert.throws(() => loadConfig(['--jwt-public-key', rsa, '--jwt-algorithm', 'ES256'], {}), /--jwt-public-key .*rsa-2\.pem: a key of type rsa signs RS256, not ES256/);
    assert.throws(() => loadConfig(['--jwt-public-key', rsa, '--jwt-algorithm', 'HS256'], {}), /--jwt-algorithm HS256 goes with --jwt-secret/);
    assert.throws(() => loadConfig(['--jwt-algorithm', 'PS256'], {}), /--jwt-algorithm: "PS256" is not HS256, RS256, ES256, EdDSA/);
  });

  it('refuses at start-up a key it could not verify with, or should not hold', () => {
    const cases: [string, RegExp][] = [
      [pemFile('private.pem', keyPair('ec').privateKey), /this is a private key: give the relay the public key only/],
      [pemFile('p384.pem', keyPair('ec', { namedCurve: 'P-384' }).publicKey), /an EC key must be on P-256 for ES256, not secp384r1/],
      [pemFile('rsa-1024.pem', keyPair('rsa', { modulusLength: 1024 }).publicKey), /an RSA key needs at least 2048 bits/],
      [pemFile('ed448.pem', keyPair('ed448' as KeyKind).publicKey), /a key of type ed448 is not usable/],
    ];
    const garbage = path.join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key at all');
    cases.push([garbage, /not a PEM public key/]);
    for (const [file, message] of cases) assert.throws(() => loadConfig(['--jwt-public-key', file], {}), message);
  });

  it('takes one key source, and the JWT options only beside one', () => {
    const file = pemFile('ec-2.pem', keyPair('ec').publicKey);
    const secret = ['--jwt-secret', 'a-jwt-signing-secret-of-32-chars+'];
    const jwks = ['--jwt-jwks-url', 'https://app.example/.well-known/jwks.json'];
    for (const argv of [[...secret, '--jwt-public-key', file], ['--jwt-public-key', file, ...jwks], [...secret, ...jwks]]) {
      assert.throws(() => loadConfig(argv, {}), /--jwt-secret, --jwt-public-key and --jwt-jwks-url: give one of them/);
    }
    assert.throws(() => loadConfig(['--jwt-algorithm', 'RS256'], {}), /--jwt-algorithm goes with --jwt-secret, --jwt-public-key or --jwt-jwks-url/);
    assert.throws(() => loadConfig(['--jwt-issuer', 'app'], {}), /go with --jwt-secret, --jwt-public-key or --jwt-jwks-url/);
  });
});
