// Starts the GOV.UK Frontend and MoJ Frontend components. Every page works without it.
import { initAll as initGovukFrontend } from "/static/govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "/static/moj/moj-frontend.min.js";

initGovukFrontend();
initMojFrontend();
