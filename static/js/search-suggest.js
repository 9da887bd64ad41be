/*
 * Title suggestions as you type, for every <input data-suggest-url="..."> (the header search
 * box and the search page). The ARIA 1.2 combobox pattern with a listbox popup: ArrowDown and
 * ArrowUp move through the suggestions, Enter opens the highlighted one, Escape closes the list.
 * Progressive enhancement: without this script the search form still submits to /search/.
 *
 * Markup added after each input (style with CSS; hidden by the `hidden` attribute when closed):
 *   <ul class="suggest-list" role="listbox">
 *     <li class="suggest-option [is-active]" role="option" aria-selected="true|false">Title</li>
 *   </ul>
 *   <p class="suggest-status visually-hidden" role="status">3 suggestions.</p>
 */
(() => {
  "use strict";

  const DEBOUNCE_MS = 150;
  let instances = 0;

  function enhance(input) {
    const url = input.dataset.suggestUrl;
    if (!url || input.getAttribute("role") === "combobox") return;
    const id = `suggest-${++instances}`;

    const list = document.createElement("ul");
    list.id = `${id}-list`;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    // Words come from the page, in its language (data-suggest-* on the input).
    const words = input.dataset;
    list.setAttribute("aria-label", words.suggestLabel || "Suggested terms");
    list.hidden = true;

    const status = document.createElement("p");
    status.className = "suggest-status visually-hidden";
    status.setAttribute("role", "status");

    input.after(list, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    let results = [];
    let active = -1;
    let timer = null;
    let controller = null;
    let lastQuery = null;

    function open() {
      if (!results.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      const options = list.children;
      if (active >= 0 && options[active]) {
        options[active].classList.remove("is-active");
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].classList.add("is-active");
        options[active].setAttribute("aria-selected", "true");
        options[active].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(items) {
      results = items;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.replaceChildren(
        ...items.map((item, index) => {
          const option = document.createElement("li");
          option.id = `${id}-option-${index}`;
          option.className = "suggest-option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = item.title;
          return option;
        }),
      );
      const count = items.length === 1 ? words.suggestOne : words.suggestMany;
      status.textContent = items.length
        ? (count || "{count} suggestions, use the up and down arrows.").replace(
            "{count}",
            String(items.length),
          )
        : "";
      if (items.length && document.activeElement === input) open();
      else close();
    }

    function follow(index) {
      const item = results[index];
      if (item) window.location.assign(item.url);
    }

    async function load() {
      const q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (controller) controller.abort();
      if (!q) {
        show([]);
        return;
      }
      controller = new AbortController();
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(q)}`, {
          headers: { Accept: "application/json" },
          signal: controller.signal,
        });
        const data = response.ok ? await response.json() : { results: [] };
        show(Array.isArray(data.results) ? data.results : []);
      } catch (error) {
        if (error.name !== "AbortError") show([]);
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(load, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
      const count = results.length;
      switch (event.key) {
        case "ArrowDown":
          if (!count) return;
          event.preventDefault();
          open();
          setActive((active + 1) % count);
          break;
        case "ArrowUp":
          if (!count) return;
          event.preventDefault();
          open();
          setActive(active <= 0 ? count - 1 : active - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            follow(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          }
          break;
        default:
      }
    });

    input.addEventListener("blur", close);
    input.addEventListener("focus", open);
    // Keep focus in the input while the pointer picks a suggestion.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) follow([...list.children].indexOf(option));
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
})();
