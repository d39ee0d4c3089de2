'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { summarize } = require('../src/summary');

test('summarize describes the first line and counts every word', () => {
  assert.deepStrictEqual(summarize('Release Notes: v2\nFaster agents.\nFewer conflicts.'), {
    slug: 'release-notes-v2',
    words: 7,
    title: 'Release Notes: v2',
  });
});

test('summarize uses slugify and wordCount', () => {
  const source = require('node:fs').readFileSync(require.resolve('../src/summary'), 'utf8');
  assert.match(source, /require\('\.\/slugify'\)/);
  assert.match(source, /require\('\.\/count'\)/);
});
