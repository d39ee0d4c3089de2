'use strict';

/** Summarizes a text: slug and title of its first line, and its word count. See PRD.md. */
function summarize(text) {
  throw new Error('summarize is not implemented yet');
}

module.exports = { summarize };
