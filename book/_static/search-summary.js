// Sphinx 7.4's search page shows a summary under each result, taken from the text of the element
// the result points to. An index entry ({index} in a page) points to an empty marker, whose text
// is "", and Sphinx then appends null to the page and stops with an error. Give such a result an
// empty summary instead.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.makeSearchSummary) return;
  const summary = Search.makeSearchSummary;
  Search.makeSearchSummary = (...args) => summary(...args) || document.createElement("p");
});
