/*
 * Hover cards: pointing at a link to a term with a mouse, or reaching it with the keyboard,
 * shows a small card (title, category, difficulty, first paragraph) read from the term's
 * card.json (/terms/<slug>/card.json, cached by the browser). Escape closes it.
 *
 * Which links: glossary and [[wiki]] links in a rendered body that lead to a written term, and
 * any link marked data-card (related terms, "Linked from", the learning path, the map's list).
 * Screen readers: while open, the card is the link's aria-describedby, and a card opened by
 * keyboard focus is also read out through a polite live region (the description alone is read
 * only when focus arrives, before the card has loaded).
 * Touch screens: a tap follows the link as usual; cards open only for a mouse pointer and for
 * keyboard focus (:focus-visible), never for a tap.
 * Progressive enhancement: without this script every link simply works.
 */
(() => {
  "use strict";

  const OPEN_DELAY_MS = 250;
  const CLOSE_DELAY_MS = 250;
  const TERM_PATH = /^\/terms\/[^/]+\/$/;
  const SELECTOR = ".prose a.wikilink:not(.wikilink-missing), a[data-card]";
  const cache = new Map();

  let card = null;
  let live = null;
  let current = null;
  let openTimer = null;
  let closeTimer = null;

  function cardUrl(link) {
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || !TERM_PATH.test(url.pathname)) return null;
    return `${url.pathname}card.json`;
  }

  function linkFrom(target) {
    const link = target instanceof Element ? target.closest("a[href]") : null;
    return link && link.matches(SELECTOR) && cardUrl(link) ? link : null;
  }

  function load(url) {
    if (!cache.has(url)) {
      const request = fetch(url, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null);
      cache.set(url, request);
    }
    return cache.get(url);
  }

  function build() {
    card = document.createElement("div");
    card.id = "hovercard";
    card.className = "hovercard";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("mouseenter", () => clearTimeout(closeTimer));
    card.addEventListener("mouseleave", scheduleClose);
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    document.body.append(card, live);
  }

  function fill(data) {
    const title = document.createElement("strong");
    title.className = "hovercard-title";
    title.textContent = data.title;
    const meta = document.createElement("ul");
    meta.className = "hovercard-meta";
    if (data.category) {
      const item = document.createElement("li");
      item.className = "chip chip-category";
      item.textContent = data.category;
      meta.append(item);
    }
    if (data.difficulty_label) {
      const item = document.createElement("li");
      item.className = `chip chip-${data.difficulty}`;
      item.textContent = data.difficulty_label;
      meta.append(item);
    }
    const summary = document.createElement("p");
    summary.className = "hovercard-summary";
    summary.textContent = data.summary;
    card.replaceChildren(title, ...(meta.children.length ? [meta] : []), summary);
  }

  function place(link) {
    const box = link.getBoundingClientRect();
    const width = card.offsetWidth;
    const room = document.documentElement.clientWidth - width - 8;
    const left = Math.max(8, Math.min(box.left, room));
    const below = box.bottom + 8 + card.offsetHeight < window.innerHeight;
    const top = below ? box.bottom + 6 : box.top - card.offsetHeight - 6;
    card.style.left = `${left + window.scrollX}px`;
    card.style.top = `${Math.max(0, top + window.scrollY)}px`;
  }

  async function open(link, announce) {
    const data = await load(cardUrl(link));
    if (!data || current !== link) return;
    fill(data);
    card.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", card.id);
    if (announce) {
      const parts = [data.title, data.category, data.difficulty_label, data.summary];
      live.textContent = parts.filter(Boolean).join(". ");
    }
  }

  function close() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (current && current.getAttribute("aria-describedby") === card.id) {
      current.removeAttribute("aria-describedby");
    }
    current = null;
    card.hidden = true;
    live.textContent = "";
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(close, CLOSE_DELAY_MS);
  }

  function start(link, announce, delay) {
    clearTimeout(closeTimer);
    if (current === link) return;
    if (current) close();
    current = link;
    clearTimeout(openTimer);
    openTimer = setTimeout(() => open(link, announce), delay);
  }

  function init() {
    build();
    document.addEventListener("pointerover", (event) => {
      if (event.pointerType !== "mouse") return;
      const link = linkFrom(event.target);
      if (link) start(link, false, OPEN_DELAY_MS);
    });
    document.addEventListener("pointerout", (event) => {
      if (event.pointerType !== "mouse") return;
      const link = linkFrom(event.target);
      if (link && link === current && !link.contains(event.relatedTarget)) {
        clearTimeout(openTimer);
        scheduleClose();
      }
    });
    document.addEventListener("focusin", (event) => {
      const link = linkFrom(event.target);
      if (link && link.matches(":focus-visible")) start(link, true, 0);
    });
    document.addEventListener("focusout", (event) => {
      if (event.target === current) close();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && current) close();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
