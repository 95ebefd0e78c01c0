// CloudFront Function (runtime cloudfront-js-2.0), viewer request, for a demo distribution.
//
// 1. One distribution for every demo: with HOST_PREFIX on, acme.demo.studio.example/about/
//    is read from the bucket's acme/ prefix, matching a demo target s3://BUCKET/{subdomain}/.
//    Turn it off for a bucket (or a distribution) per client.
// 2. Pretty URLs: /about/ is served from the object about/index.html, as sitegen builds it
//    (an S3 origin reached through origin access control has no index documents).
// 3. Optional HTTP basic auth in front of the demo, a second layer beside the demo's own
//    password gate. Only a salted SHA-256 of "user:password" is kept here, never the password;
//    leave CREDENTIAL_SHA256 empty to turn it off. Make the hash with the command in
//    deploy/README.md, and use a long random password: a fast hash that leaks can be guessed
//    at, and a CloudFront Function has no time for a slow one.

const crypto = require('crypto');

const HOST_PREFIX = true;
const REALM = 'Preview';
const SALT = '';               // hex, from the command in deploy/README.md
const CREDENTIAL_SHA256 = '';  // hex SHA-256 of SALT + ":" + user + ":" + password

function unauthorized() {
  return {
    statusCode: 401,
    statusDescription: 'Unauthorized',
    headers: {
      'www-authenticate': { value: 'Basic realm="' + REALM + '", charset="UTF-8"' },
      'cache-control': { value: 'no-store' },
    },
  };
}

function sameText(a, b) {
  // Compare every character, so the time taken does not tell how much matched.
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return difference === 0;
}

function authorized(request) {
  const header = request.headers.authorization;
  if (!header || header.value.slice(0, 6).toLowerCase() !== 'basic ') {
    return false;
  }
  const pair = Buffer.from(header.value.slice(6).trim(), 'base64').toString('utf8');
  const digest = crypto.createHash('sha256').update(SALT + ':' + pair).digest('hex');
  return sameText(digest, CREDENTIAL_SHA256);
}

function handler(event) {
  const request = event.request;
  if (CREDENTIAL_SHA256 && !authorized(request)) {
    return unauthorized();
  }
  let uri = request.uri;
  if (uri.endsWith('/')) {
    uri += 'index.html';
  } else if (!uri.split('/').pop().includes('.')) {
    uri += '/index.html';
  }
  if (HOST_PREFIX) {
    const label = (request.headers.host ? request.headers.host.value : '').split('.')[0];
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label)) {
      return { statusCode: 404, statusDescription: 'Not Found' };
    }
    uri = '/' + label + uri;
  }
  request.uri = uri;
  return request;
}
