// Copy GOV.UK Frontend's script and images next to our compiled CSS (static/build/).
import { cpSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/build/assets", { recursive: true });
cpSync(`${from}/govuk-frontend.min.js`, "static/build/govuk-frontend.min.js");
cpSync(`${from}/assets/images`, "static/build/assets/images", { recursive: true });
cpSync(`${from}/assets/manifest.json`, "static/build/assets/manifest.json");
cpSync("static/src/app.js", "static/build/app.js");
cpSync("static/src/autosave.js", "static/build/autosave.js");
cpSync("static/src/timeout.js", "static/build/timeout.js");
