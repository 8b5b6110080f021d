// Live pages: when the event stream says something changed, fetch the page's fragment again.
// Without JavaScript the pages are complete; this only keeps them current.
(function () {
  const main = document.getElementById("main");
  if (!main || !main.dataset.live || !window.EventSource) return;
  let pending = null;
  const refresh = () => {
    pending = null;
    fetch(main.dataset.fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => { main.innerHTML = html; })
      .catch(() => {});
  };
  const source = new EventSource(main.dataset.live);
  source.addEventListener("changed", () => {
    // At most one refetch every quarter second per page, however busy the fleet.
    if (!pending) pending = setTimeout(refresh, 250);
  });
})();
