// Places a service graph's nodes in columns, left to right, the same way for the same graph.
//
// Each node's column is its longest path from a node nobody calls (callers on the left, what they
// call on the right: a database ends up in the last column). A cycle (a calls b, b calls a) is cut
// by a depth-first walk that starts from the nodes nobody calls, then from those that call more
// than they are called (a frontend in a cycle), then by name: the edge it meets closing a cycle is
// drawn backwards. Within a column, nodes start in name order, then sweeps move each one to the
// average row of its callers (left to right), then of its callees (right to left), a few times over,
// which uncrosses most edges; ties keep their order, so the result depends on the graph only.

/**
 * @param names every node's name
 * @param edges [{client, server}]
 * @returns {columns: [[name, ...], ...], place: Map(name → {column, row}), backward: Set("client\u0000server")}
 */
const SWEEPS = 4;

export function layoutGraph(names, edges) {
  const sorted = [...new Set(names)].sort();
  const callees = new Map(sorted.map((name) => [name, []]));
  const callers = new Map(sorted.map((name) => [name, []]));
  for (const { client, server } of edges) {
    if (client === server || !callees.has(client) || !callees.has(server)) continue;
    callees.get(client).push(server);
    callers.get(server).push(client);
  }
  for (const list of callees.values()) list.sort();

  // Depth-first in name order, roots first: an edge into a node still on the walk's path closes a cycle.
  const backward = new Set();
  const finished = [];
  const state = new Map(); // name → 'open' | 'done'
  const callsOut = (name) => callees.get(name).length - callers.get(name).length;
  const starts = [...sorted].sort((a, b) =>
    (callers.get(a).length === 0 ? 0 : 1) - (callers.get(b).length === 0 ? 0 : 1) || callsOut(b) - callsOut(a) || (a < b ? -1 : 1));
  for (const start of starts) {
    if (state.has(start)) continue;
    // An explicit stack: fifty services in a chain must not depend on the JS call stack.
    const stack = [{ name: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = callees.get(top.name);
      if (top.next < out.length) {
        const server = out[top.next++];
        const seen = state.get(server);
        if (seen === 'open') backward.add(edgeKey(top.name, server));
        else if (seen === undefined) {
          state.set(server, 'open');
          stack.push({ name: server, next: 0 });
        }
      } else {
        state.set(top.name, 'done');
        finished.push(top.name);
        stack.pop();
      }
    }
  }

  // Reverse finishing order is a topological order of the forward edges: longest path in one pass.
  const column = new Map(sorted.map((name) => [name, 0]));
  for (const name of finished.reverse()) {
    for (const server of callees.get(name)) {
      if (backward.has(edgeKey(name, server))) continue;
      column.set(server, Math.max(column.get(server), column.get(name) + 1));
    }
  }

  const columnCount = sorted.length === 0 ? 0 : Math.max(...column.values()) + 1;
  const columns = Array.from({ length: columnCount }, () => []);
  for (const name of sorted) columns[column.get(name)].push(name);

  const row = new Map();
  for (const members of columns) members.forEach((name, i) => row.set(name, i));
  const reorder = (members, neighbours) => {
    // Rows scaled to the column's size, so columns of different heights compare; no neighbour: stay.
    const key = new Map(members.map((name) => {
      const rows = neighbours(name).map((n) => (row.get(n) + 0.5) / columns[column.get(n)].length);
      return [name, rows.length === 0 ? (row.get(name) + 0.5) / members.length : rows.reduce((a, b) => a + b, 0) / rows.length];
    }));
    members.sort((a, b) => key.get(a) - key.get(b)); // stable: ties keep their order
    members.forEach((name, i) => row.set(name, i));
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let c = 1; c < columnCount; c++) {
      reorder(columns[c], (name) => callers.get(name).filter((n) => column.get(n) < c));
    }
    for (let c = columnCount - 2; c >= 0; c--) {
      reorder(columns[c], (name) => callees.get(name).filter((n) => column.get(n) > c));
    }
  }

  const place = new Map(sorted.map((name) => [name, { column: column.get(name), row: row.get(name) }]));
  return { columns, place, backward };
}

export function edgeKey(client, server) {
  return `${client}\u0000${server}`;
}
