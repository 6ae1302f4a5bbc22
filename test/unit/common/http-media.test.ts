// Mesos's v1 request rules (lib/common/http-media.ts) as pure functions: Content-Type matching,
// Accept negotiation, the parse-error messages and JSONP callback names. The same rules over a
// real socket are in http.test.ts.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  APPLICATION_JSON,
  APPLICATION_PROTOBUF,
  acceptsMediaType,
  decodeCall,
  negotiateAccept,
  negotiateJsonAccept,
  parseJsonBody,
  requestContentType,
  validateJsonpCallback,
} from '../../../lib/common/http-media.ts';
import { rejects } from '../../helpers/assert-error.ts';

test('Content-Type must be exactly application/json', () => {
  assert.is(requestContentType('application/json'), APPLICATION_JSON);
  rejects(() => requestContentType(undefined), 'BAD_REQUEST', "Expecting 'Content-Type' to be present");
  const generic = "Expecting 'Content-Type' of application/json or application/x-protobuf";
  for (const value of ['application/json; charset=utf-8', 'Application/JSON', 'text/plain', '', 'application/json ']) {
    rejects(() => requestContentType(value), 'UNSUPPORTED_MEDIA_TYPE', generic);
  }
  rejects(() => requestContentType(APPLICATION_PROTOBUF), 'UNSUPPORTED_MEDIA_TYPE', /does not speak protobuf/);
});

test('acceptsMediaType: a missing header allows anything, the most specific range decides', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['*/*', true],
    ['application/*', true],
    ['application/json', true],
    ['application/json;q=0.5', true],
    ['application/json; q=0.001', true],
    ['APPLICATION/JSON', true],
    ['text/html, application/json;q=0.1', true],
    ['text/html', false],
    ['application/x-protobuf', false],
    ['application/json;q=0', false],
    ['application/json;q=0, */*', false], // application/json is more specific than */*
    ['application/*;q=0, */*', false],
    ['application/*;q=0, application/json', true],
    ['*/*;q=0', false],
    ['application/json;q=oops', true], // an unreadable q is the default, 1
    ['', false],
  ];
  for (const [accept, expected] of cases) assert.is(acceptsMediaType(accept, APPLICATION_JSON), expected, String(accept));
});

test('negotiateAccept prefers JSON whatever the q values, then protobuf, else 406', () => {
  assert.is(negotiateAccept(undefined), APPLICATION_JSON);
  assert.is(negotiateAccept('application/x-protobuf;q=1, application/json;q=0.1'), APPLICATION_JSON);
  assert.is(negotiateAccept('application/x-protobuf'), APPLICATION_PROTOBUF);
  assert.is(negotiateAccept('application/json;q=0, */*'), APPLICATION_PROTOBUF);
  rejects(
    () => negotiateAccept('text/html'),
    'NOT_ACCEPTABLE',
    "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
  );
});

test('negotiateJsonAccept refuses a protobuf-only client with a message saying why', () => {
  assert.is(negotiateJsonAccept('*/*'), APPLICATION_JSON);
  rejects(() => negotiateJsonAccept('application/x-protobuf'), 'NOT_ACCEPTABLE', /does not speak protobuf/);
  rejects(() => negotiateJsonAccept('text/html'), 'NOT_ACCEPTABLE', /'application\/x-protobuf' or 'application\/json'/);
});

test('parseJsonBody and decodeCall fail with Mesos\'s messages', () => {
  assert.equal(parseJsonBody('{"a":1}'), { a: 1 });
  assert.equal(parseJsonBody(Buffer.from('{"a":"\u00fc"}')), { a: '\u00fc' });
  rejects(() => parseJsonBody('{'), 'INVALID_JSON', /^Failed to parse body into JSON: ./);
  rejects(() => parseJsonBody(''), 'INVALID_JSON', /^Failed to parse body into JSON: ./);
  rejects(() => parseJsonBody(Buffer.from([0x22, 0xff, 0x22])), 'INVALID_JSON', 'Failed to parse body into JSON: the body is not valid UTF-8');
  rejects(
    () => decodeCall('mesos.v1.scheduler.Call', { type: 'SUBSCRIBE', subscribe: {} }),
    'INVALID_MESSAGE',
    'Failed to convert JSON into Call protobuf: subscribe.framework_info: required',
  );
  rejects(
    () => decodeCall('mesos.v1.scheduler.Call', []),
    'INVALID_MESSAGE',
    /^Failed to convert JSON into Call protobuf: expected an object/,
  );
  assert.equal(decodeCall('mesos.v1.scheduler.Call', { type: 'TEARDOWN', framework_id: null }), { type: 'TEARDOWN' });
});

test('JSONP callbacks must be dotted JavaScript identifiers', () => {
  for (const name of ['cb', 'angular.callbacks._0', '$jsonp_1', 'a.b.c']) assert.is(validateJsonpCallback(name), name);
  for (const name of ['', 'alert(1)', 'a b', 'a..b', '1abc', 'a.', '<script>', 'x'.repeat(129)]) {
    rejects(() => validateJsonpCallback(name), 'BAD_REQUEST', /^Invalid 'jsonp' callback/);
  }
});

test.run();
