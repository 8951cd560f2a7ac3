// Keeps the last build's site and its record (what each plan's files were made from)
// in Netlify's build cache, so that a push that changes one plan renders and prints
// only that plan. Without them, or when they no longer match, mapsite builds
// everything: the published site is the same either way. See docs/deploy.md.
const PATHS = ["public", ".public.mapsite-record.json"];

module.exports = {
  async onPreBuild({ utils }) {
    await utils.cache.restore(PATHS);
  },
  async onSuccess({ utils }) {
    await utils.cache.save(PATHS);
  },
};
