// Starts the GOV.UK Frontend and MoJ Frontend components. Every page works without it.
import { createAll, initAll as initGovukFrontend } from "/static/govuk/govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMojFrontend } from "/static/moj/moj-frontend.min.js";

initGovukFrontend();
initMojFrontend();
// MoJ's initAll leaves the filter out: on narrow screens it hides behind a "Show filter" button.
createAll(FilterToggleButton);
