'use strict';

/** Turns a text into a URL slug. See PRD.md. */
function slugify(text) {
  throw new Error('slugify is not implemented yet');
}

module.exports = { slugify };
