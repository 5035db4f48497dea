// The plan page of declutter (docs/plan-picture.md#html): draws the closure graph the page carries as JSON with
// cytoscape.js and the dagre layout, and adds what a large schema needs: collapse and expand the tables hanging
// under a table, search by table name, the findings marked on tables and edges.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('plan-data').textContent);
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const children = new Map(data.nodes.map(n => [n.id, []]));
  data.nodes.forEach(n => { if (n.parent !== null) children.get(n.parent).push(n.id); });
  const collapsed = new Set();
  /** The smallest zoom at which the tables' names are drawn (11px labels, drawn from 6px). */
  const READABLE_ZOOM = 0.6;

  const label = n => n.id + '\n~' + n.rows + ' rows' + (n.role === 'root' ? ', root' : n.role === 'kept'
      ? ', rows stay' : '') + (n.cycle > 0 ? '\ncycle ' + n.cycle : '')
      + (n.severity ? '\n' + (n.severity === 'error' ? '\u26d4 ' : '\u26a0 ') + n.marks : '');
  const elements = [];
  data.nodes.forEach(n => elements.push({group: 'nodes', data: {id: n.id, label: label(n), base: label(n)},
    classes: [n.role, n.severity || '', n.cycle > 0 ? 'cycle' : ''].join(' ')}));
  data.links.forEach(l => elements.push({group: 'edges', data: {id: l.id, source: l.from, target: l.to,
    label: (l.severity ? (l.severity === 'error' ? '\u26d4 ' : '\u26a0 ') : '') + l.constraint},
    classes: [l.kind.replace(' ', '-'), l.logical ? 'logical' : '', l.severity || ''].join(' ')}));

  const colours = {};
  data.kinds.forEach(k => { colours[k.kind] = k.colour; });
  const style = [
    {selector: 'node', style: {'shape': 'round-rectangle', 'label': 'data(label)', 'text-wrap': 'wrap',
      'text-valign': 'center', 'font-size': 11, 'width': 'label', 'height': 'label', 'padding': '8px',
      'background-color': '#ffffff', 'border-width': 1, 'border-color': '#555555', 'min-zoomed-font-size': 6}},
    {selector: 'node.root', style: {'background-color': '#fde0c5', 'border-width': 2}},
    {selector: 'node.kept', style: {'border-style': 'dashed', 'color': '#666666', 'background-color': '#f4f4f4'}},
    {selector: 'node.warning', style: {'border-color': '#f0a000', 'border-width': 4}},
    {selector: 'node.error', style: {'border-color': '#d7191c', 'border-width': 4}},
    {selector: 'node.collapsed', style: {'border-style': 'double', 'border-width': 6}},
    {selector: 'node.match', style: {'background-color': '#fff36b'}},
    {selector: 'node:selected', style: {'overlay-color': '#2166ac', 'overlay-opacity': 0.2}},
    {selector: '.hidden', style: {'display': 'none'}},
    {selector: 'edge', style: {'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'width': 1.5,
      'label': 'data(label)', 'font-size': 9, 'text-rotation': 'autorotate', 'min-zoomed-font-size': 7,
      'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': '1px',
      'line-color': colours.delete, 'target-arrow-color': colours.delete}},
    {selector: 'edge.cycle-unit', style: {'line-color': colours['cycle unit'],
      'target-arrow-color': colours['cycle unit'], 'width': 3}},
    {selector: 'edge.set-null', style: {'line-color': colours['set null'], 'target-arrow-color': colours['set null'],
      'line-style': 'dashed'}},
    {selector: 'edge.skipped', style: {'line-color': colours.skipped, 'target-arrow-color': colours.skipped,
      'line-style': 'dotted'}},
    {selector: 'edge.excluded', style: {'line-color': colours.excluded, 'target-arrow-color': colours.excluded,
      'line-style': 'dotted', 'target-arrow-shape': 'tee'}},
    {selector: 'edge.ignored', style: {'line-color': colours.ignored, 'target-arrow-color': colours.ignored,
      'line-style': 'dashed', 'target-arrow-shape': 'circle'}},
    {selector: 'edge.logical.delete, edge.logical.cycle-unit', style: {'line-style': 'dashed',
      'line-dash-pattern': [8, 3]}},
    {selector: 'edge.warning', style: {'text-background-color': '#ffd77a', 'text-background-opacity': 1}},
    {selector: 'edge.error', style: {'text-background-color': '#f4a3a4', 'text-background-opacity': 1}},
    {selector: 'edge:selected', style: {'width': 4}}
  ];

  const cy = cytoscape({container: document.getElementById('graph'), elements: elements, style: style,
    wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 3});

  function descendants(id) {
    const out = [];
    const stack = [...children.get(id)];
    while (stack.length > 0) {
      const c = stack.pop();
      out.push(c);
      stack.push(...children.get(c));
    }
    return out;
  }

  function hiddenUnder(id) {
    let p = byId.get(id).parent;
    while (p !== null) {
      if (collapsed.has(p)) {
        return true;
      }
      p = byId.get(p).parent;
    }
    return false;
  }

  function layout() {
    const shown = cy.elements().not('.hidden').filter(e => e.isNode()
        || (!e.source().hasClass('hidden') && !e.target().hasClass('hidden')));
    shown.layout({name: 'dagre', rankDir: 'LR', nodeSep: 24, rankSep: 110, edgeSep: 12, animate: false,
      fit: false}).run();
    cy.fit(shown, 30);
    if (cy.zoom() < READABLE_ZOOM) {
      // a large closure fitted whole would draw its labels too small to read: start readable at the root, and
      // leave the whole to the Fit button, search and collapsing
      cy.zoom(READABLE_ZOOM);
      const root = cy.nodes('.root');
      cy.pan({x: 40 - (root.position('x') - root.width() / 2) * READABLE_ZOOM,
        y: cy.height() / 2 - root.position('y') * READABLE_ZOOM});
    }
  }

  function refresh() {
    cy.batch(() => {
      cy.nodes().forEach(n => {
        const hide = hiddenUnder(n.id());
        n.toggleClass('hidden', hide);
        const c = collapsed.has(n.id());
        n.toggleClass('collapsed', c);
        n.data('label', c ? n.data('base') + '\n[+' + descendants(n.id()).length + ' hidden]' : n.data('base'));
      });
      cy.edges().forEach(e => e.toggleClass('hidden', e.source().hasClass('hidden')
          || e.target().hasClass('hidden')));
    });
    layout();
    showSelection();
  }

  /** After the layout changed under it, the table just collapsed or expanded stays in sight. */
  function keepInSight(id) {
    const n = cy.getElementById(id);
    const p = n.renderedPosition();
    if (p.x < 0 || p.y < 0 || p.x > cy.width() || p.y > cy.height()) {
      cy.center(n);
    }
  }

  function collapse(id) {
    if (children.get(id).length > 0) {
      collapsed.add(id);
      refresh();
      keepInSight(id);
    }
  }

  function expand(id) {
    collapsed.delete(id);
    refresh();
    keepInSight(id);
  }

  /** Makes the tables visible, expanding every collapsed table above them. */
  function reveal(ids) {
    let changed = false;
    ids.forEach(id => {
      for (let p = byId.get(id).parent; p !== null; p = byId.get(p).parent) {
        changed = collapsed.delete(p) || changed;
      }
    });
    if (changed) {
      refresh();
    }
  }

  function focus(eles) {
    cy.elements().unselect();
    eles.select();
    if (eles.length === 1 && eles.isNode()) {
      cy.zoom(Math.max(cy.zoom(), 1));
      cy.center(eles);
    } else {
      cy.fit(eles, 80);
      if (cy.zoom() > 1.5) {
        cy.zoom(1.5);
        cy.center(eles);
      }
    }
    showSelection();
  }

  function search(text) {
    const q = text.trim().toLowerCase();
    cy.nodes().removeClass('match');
    const result = document.getElementById('search-result');
    if (q === '') {
      result.textContent = '';
      return [];
    }
    const exact = data.nodes.filter(n => n.id.toLowerCase() === q || n.table.toLowerCase() === q);
    const found = exact.length > 0 ? exact : data.nodes.filter(n => n.id.toLowerCase().includes(q));
    const ids = found.map(n => n.id);
    if (ids.length === 0) {
      result.textContent = 'no table matches \u201c' + text.trim() + '\u201d';
      return ids;
    }
    reveal(ids);
    const eles = cy.collection(ids.map(id => cy.getElementById(id)));
    eles.addClass('match');
    focus(eles);
    result.textContent = ids.length === 1 ? '1 table found' : ids.length + ' tables found';
    return ids;
  }

  function text(tag, content, cls) {
    const e = document.createElement(tag);
    e.textContent = content;
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function findingsOf(ids) {
    const ul = document.createElement('ul');
    ids.forEach(i => {
      const f = data.findings[i - 1];
      ul.appendChild(text('li', f.severity.toUpperCase() + ' F' + f.id + ' ' + f.kind + ': ' + f.message,
          f.severity));
    });
    return ul;
  }

  function showSelection() {
    const box = document.getElementById('selection');
    const sel = cy.elements(':selected');
    box.replaceChildren();
    if (sel.length !== 1) {
      box.appendChild(text('p', sel.length === 0 ? 'Click a table or an edge; double-click a table to collapse or'
          + ' expand the tables under it.' : sel.length + ' elements selected.'));
      return;
    }
    const el = sel[0];
    if (el.isNode()) {
      const n = byId.get(el.id());
      box.appendChild(text('h3', n.id));
      box.appendChild(text('p', (n.role === 'root' ? 'Root table: its selected rows are purged. '
          : n.role === 'kept' ? 'Its rows stay (reached by an edge the purge does not follow). '
          : 'Rows referencing purged rows are backed up and deleted. ') + '~' + n.rows + ' rows (estimate); depth '
          + n.depth + ', height ' + n.height + (n.cycle > 0 ? ', cycle ' + n.cycle : '')
          + (n.unit > 0 ? ', deferred unit ' + n.unit : '') + '.'));
      const under = descendants(n.id).length;
      if (under > 0) {
        const b = text('button', collapsed.has(n.id) ? 'Expand the ' + under + ' tables under it'
            : 'Collapse the ' + under + ' tables under it');
        b.id = 'toggle-subtree';
        b.addEventListener('click', () => collapsed.has(n.id) ? expand(n.id) : collapse(n.id));
        box.appendChild(b);
      }
      if (n.findings.length > 0) {
        box.appendChild(findingsOf(n.findings));
      }
    } else {
      const l = data.links.find(x => x.id === el.id());
      box.appendChild(text('h3', l.constraint));
      box.appendChild(text('p', l.to + ' (' + l.columns.join(', ') + ') \u2192 ' + l.from + '. ON DELETE '
          + l.onDelete + '; strategy: ' + l.strategy + '. ' + data.kinds.find(k => k.kind === l.kind).meaning
          + '.'));
      if (l.findings.length > 0) {
        box.appendChild(findingsOf(l.findings));
      }
    }
  }

  cy.on('select unselect', () => showSelection());
  cy.on('dbltap', 'node', ev => {
    const id = ev.target.id();
    if (collapsed.has(id)) {
      expand(id);
    } else {
      collapse(id);
    }
  });

  const input = document.getElementById('search');
  document.getElementById('search-form').addEventListener('submit', ev => {
    ev.preventDefault();
    search(input.value);
  });
  document.getElementById('expand-all').addEventListener('click', () => {
    collapsed.clear();
    refresh();
  });
  document.getElementById('collapse-all').addEventListener('click', () => {
    // keep the root and the tables right under it in sight
    data.nodes.filter(n => n.depth === 1 && children.get(n.id).length > 0).forEach(n => collapsed.add(n.id));
    refresh();
  });
  document.getElementById('fit').addEventListener('click', () => cy.fit(cy.elements().not('.hidden'), 30));
  document.querySelectorAll('[data-finding]').forEach(li => li.addEventListener('click', () => {
    const f = data.findings[Number(li.dataset.finding) - 1];
    const tables = f.nodes.concat(f.links.flatMap(id => {
      const l = data.links.find(x => x.id === id);
      return [l.from, l.to];
    }));
    reveal(tables);
    focus(cy.collection(f.nodes.concat(f.links).map(id => cy.getElementById(id))));
  }));
  document.querySelectorAll('[data-table]').forEach(li => li.addEventListener('click', () => {
    reveal([li.dataset.table]);
    focus(cy.getElementById(li.dataset.table));
  }));

  layout();
  showSelection();
  window.declutterPlan = {cy: cy, search: search, collapse: collapse, expand: expand, descendants: descendants,
    collapsed: () => [...collapsed].sort()};
  document.body.dataset.drawn = 'true';
})();
