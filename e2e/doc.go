// Package e2e implements the end-to-end tests of the reading experience:
// they build a fixture tree and the repository's own runbooks, serve each
// site on 127.0.0.1 with a strict Content-Security-Policy, and read it in
// headless Chromium the way an on-call engineer does: search an alert name,
// copy a command, fill in parameters, tick a checklist, switch to dark mode,
// read on a phone. They check that nothing logs an error, breaks the policy
// or reaches another host, and run axe-core for accessibility.
//
// The package holds tests only. Chromium is found and started by package
// internal/browser: the tests skip, saying why, when it is not installed or
// does not start, and fail instead with RUNBOOKS_REQUIRE_BROWSER=1; the
// accessibility checks skip when axe-core is not installed (npm ci --prefix
// e2e). Screenshots go to $RUNBOOKS_SCREENSHOTS, else to a temporary folder
// whose path the tests log.
package e2e
