// deno-lint-ignore-file no-unused-vars
// The page's parts share one scope (see page.ts): what one defines, another uses.
/*
 * How the dashboard's tabs share the browser's connections to the server. A browser opens at
 * most six connections to one server, and streams held open in every tab would use them up:
 * with each tab following the events and a log, the fourth tab would never load. So one tab
 * follows the event stream, and a hidden tab lets its log's stream go (LogView.setHidden).
 */

/**
 * What the event timeline opens the event stream with (`query` is its cursor or limit). One tab
 * of this server per browser follows the stream, holding a Web Lock (so it alone shows the crash
 * notifications); the others ask for new events each time the timeline reconnects, every 2 s,
 * and one of them takes over when that tab closes. Without Web Locks (a page not served from
 * loopback), every tab follows.
 */
function eventsOpener(request) {
  let follows = !navigator.locks;
  const decided = new Promise((settle) => {
    if (!navigator.locks) return settle();
    const follow = () => {
      follows = true;
      settle();
      return new Promise(() => {}); // held while the tab lives
    };
    // A lock that cannot be had (refused by the browser) leaves this tab following, as where
    // there are no Web Locks; a refused wait for it leaves it asking every 2 s.
    navigator.locks.request("persistproc.events", { ifAvailable: true }, (lock) => {
      if (lock) return follow();
      settle();
      navigator.locks.request("persistproc.events", follow).catch(() => {});
    }).catch(() => {
      follows = true;
      settle();
    });
  });
  return async (query) => {
    await decided;
    return request("/api/hub/events?" + (follows ? "follow=1&" : "") + query);
  };
}
