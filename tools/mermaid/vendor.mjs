// Copies the mermaid bundle pinned in package-lock.json into the theme, so
// that building a site needs no npm: run `npm ci && npm run vendor` here
// after changing the version in package.json, and commit the result.
import { readFileSync, writeFileSync, renameSync, mkdirSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const pinned = lock.packages["node_modules/mermaid"].version;
const installed = JSON.parse(readFileSync(join(here, "node_modules/mermaid/package.json"), "utf8")).version;
if (installed !== pinned) {
  console.error(`node_modules has mermaid ${installed}, package-lock.json pins ${pinned}: run npm ci first`);
  process.exit(1);
}

// The source map is not shipped, so its comment goes too: a browser would
// ask the site for a file that is not there.
let js = readFileSync(join(here, "node_modules/mermaid/dist/mermaid.min.js"), "utf8");
js = js.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");

const out = join(here, "../../theme/static/vendor");
mkdirSync(out, { recursive: true });
const tmp = join(out, ".mermaid.min.js.tmp");
writeFileSync(tmp, `/* mermaid ${pinned} (MIT License, https://github.com/mermaid-js/mermaid), vendored by tools/mermaid */\n` + js);
renameSync(tmp, join(out, "mermaid.min.js"));
copyFileSync(join(here, "node_modules/mermaid/LICENSE"), join(here, "LICENSE.mermaid"));
console.log(`theme/static/vendor/mermaid.min.js: mermaid ${pinned}, ${js.length} bytes`);
