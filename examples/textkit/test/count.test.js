'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { wordCount } = require('../src/count');

test('wordCount counts runs of letters, digits and apostrophes', () => {
  assert.strictEqual(wordCount("It's a fine day"), 4);
  assert.strictEqual(wordCount('one, two;three\nfour 5'), 5);
});

test('wordCount of an empty text is 0', () => {
  assert.strictEqual(wordCount(''), 0);
  assert.strictEqual(wordCount('  -- '), 0);
});
