// The server's JSON APIs: the native query API, the traffic API and the sampling API.

export class ApiError extends Error {
  /** problems: every problem the server listed (a refused rules file's), else empty. */
  constructor(status, message, problems = []) {
    super(message);
    this.status = status;
    this.problems = problems;
  }
}

async function getJson(path) {
  return requestJson(path, { headers: { Accept: 'application/json' } });
}

/** Sends {@code text} (or nothing) with {@code method}; the answer as JSON. */
async function sendText(method, path, text) {
  const headers = { Accept: 'application/json' };
  if (text !== undefined) headers['Content-Type'] = 'application/yaml';
  return requestJson(path, { method, headers, body: text });
}

async function requestJson(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `Cannot reach the server (${e.message}).`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy's error page, say. The status says enough.
  }
  if (!response.ok) {
    const text = body?.error?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, text, body?.error?.errors ?? []);
  }
  return body;
}

const segment = encodeURIComponent;

export const api = {
  services: () => getJson('/api/v1/services'),
  operations: (service) => getJson(`/api/v1/services/${segment(service)}/operations`),
  search: (params) => getJson(`/api/v1/traces?${params}`),
  trace: (traceId) => getJson(`/api/v1/traces/${segment(traceId)}`),
  samplingRules: () => getJson('/api/v1/sampling/rules'),
  why: (traceId) => getJson(`/api/v1/sampling/why/${segment(traceId)}`),
  samplingPartitions: () => getJson('/api/v1/sampling/partitions'),
  candidate: () => getJson('/api/v1/sampling/candidate'),
  proposeCandidate: (rulesText) => sendText('PUT', '/api/v1/sampling/candidate', rulesText),
  withdrawCandidate: () => sendText('DELETE', '/api/v1/sampling/candidate'),
  uiSettings: () => getJson('/api/v1/ui/settings'),
  /** params: start, end (the traffic API's). */
  trafficGraph: (params) => getJson(`/api/v1/traffic/graph?${params}`),
  /** params: service, operation?, start, end. */
  trafficSeries: (params) => getJson(`/api/v1/traffic/series?${params}`),
};

/** The trace as OTLP/JSON, every field as ingested. */
export function otlpDownloadUrl(traceId) {
  return `/api/v3/traces/${segment(traceId)}`;
}

/** A trace ID as the APIs take it: 1 to 32 hex digits. Returns an error text, or null when fine. */
export function traceIdProblem(text) {
  if (text === '') return 'Enter a trace ID.';
  if (!/^[0-9a-fA-F]{1,32}$/.test(text)) {
    return `"${text}" is not a trace ID: expected 1 to 32 hexadecimal digits (0-9, a-f).`;
  }
  return null;
}
