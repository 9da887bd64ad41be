/*
 * The map (/map/): the terms of one neighbourhood, category or tag as a graph, drawn with
 * Cytoscape (static/vendor/cytoscape). Nodes are coloured by difficulty and grouped by
 * category; related terms, links and glossary mentions are edges of three styles; a click
 * or tap on a term opens it.
 *
 * The page names its data in <div id="term-map" data-map-url="...">. Colours come from the
 * legend's swatches in site.css, so the map follows the light and dark schemes.
 * Progressive enhancement: without this script (or if the data cannot be read) the map stays
 * hidden and the page's nested list shows the same terms.
 */
(() => {
  "use strict";

  function style(element, property) {
    return element ? window.getComputedStyle(element).getPropertyValue(property).trim() : "";
  }

  function palette(legend) {
    const swatch = (name) => style(legend.querySelector(`.legend-${name}`), "background-color");
    const line = style(legend.querySelector(".legend-line"), "border-top-color");
    return {
      beginner: swatch("beginner"),
      intermediate: swatch("intermediate"),
      advanced: swatch("advanced"),
      none: swatch("none"),
      text: style(document.body, "color"),
      surface: style(document.querySelector(".term-map"), "background-color"),
      accent: style(document.querySelector(".map-tree a"), "color"),
      line: line || "#888",
    };
  }

  function elements(data) {
    const categories = new Set(data.nodes.map((node) => node.category).filter(Boolean));
    const grouped = categories.size > 1;
    const out = [];
    if (grouped) {
      [...categories].forEach((name) => {
        out.push({ data: { id: `group:${name}`, label: name }, classes: "group" });
      });
    }
    data.nodes.forEach((node) => {
      out.push({
        data: {
          id: String(node.id),
          label: node.title,
          url: node.url,
          difficulty: node.difficulty || "none",
          parent: grouped && node.category ? `group:${node.category}` : undefined,
        },
        classes: node.id === data.center ? "term center" : "term",
      });
    });
    data.edges.forEach((edge) => {
      out.push({
        data: { id: `${edge.source}-${edge.target}`, source: String(edge.source), target: String(edge.target) },
        classes: edge.kind,
      });
    });
    return out;
  }

  function stylesheet(colours) {
    return [
      {
        selector: "node.term",
        style: {
          label: "data(label)",
          "background-color": (node) => colours[node.data("difficulty")] || colours.none,
          color: colours.text,
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          width: 18,
          height: 18,
          "border-width": 1,
          "border-color": colours.surface,
        },
      },
      {
        selector: "node.center",
        style: { width: 30, height: 30, "border-width": 4, "border-color": colours.accent, "font-weight": "bold" },
      },
      {
        selector: "node.group",
        style: {
          label: "data(label)",
          "text-valign": "top",
          "font-size": 12,
          color: colours.text,
          "background-opacity": 0.06,
          "background-color": colours.text,
          "border-width": 1,
          "border-style": "dashed",
          "border-color": colours.line,
          shape: "round-rectangle",
          padding: 12,
        },
      },
      { selector: "edge", style: { width: 1.5, "line-color": colours.line, "curve-style": "straight", opacity: 0.8 } },
      { selector: "edge.related", style: { width: 3 } },
      { selector: "edge.inline", style: { "line-style": "dashed" } },
      { selector: "edge.auto", style: { "line-style": "dotted", width: 1 } },
      { selector: "node.term:active, node.term:selected", style: { "overlay-opacity": 0.15 } },
    ];
  }

  async function draw(container) {
    const legend = container.parentElement.querySelector(".map-legend");
    const status = container.querySelector(".term-map-status");
    if (typeof window.cytoscape !== "function" || !container.dataset.mapUrl) return;
    container.hidden = false;
    let data;
    try {
      const response = await fetch(container.dataset.mapUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      data = await response.json();
    } catch (error) {
      container.hidden = true;
      return;
    }
    if (legend) legend.hidden = false;
    const canvas = document.createElement("div");
    canvas.className = "term-map-canvas";
    container.append(canvas);
    const colours = palette(legend || document);
    const cy = window.cytoscape({
      container: canvas,
      elements: elements(data),
      style: stylesheet(colours),
      layout: { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: false, padding: 24 },
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: false,
    });
    cy.on("tap", "node.term", (event) => window.location.assign(event.target.data("url")));
    cy.on("mouseover", "node.term", () => container.classList.add("is-pointing"));
    cy.on("mouseout", "node.term", () => container.classList.remove("is-pointing"));
    if (status) status.remove();
    container.termMap = cy; // for the browser tests: where a node is drawn
    container.dataset.drawn = String(data.nodes.length);
  }

  function init() {
    const container = document.getElementById("term-map");
    if (container) draw(container);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
