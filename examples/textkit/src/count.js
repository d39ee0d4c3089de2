'use strict';

/** Counts the words of a text. See PRD.md. */
function wordCount(text) {
  throw new Error('wordCount is not implemented yet');
}

module.exports = { wordCount };
