// The Countly-compatible read API of this server, on the page's own origin.

/** An answer other than 2xx, carrying the server's {"result": message}. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export class Api {
  /** @param {string} key the dashboard user's api key */
  constructor(key) {
    this.key = key;
  }

  /**
   * GET path?params as JSON. The key travels in the countly-token header (kept out of URLs
   * and logs); noescape=true because the page renders text, never HTML.
   */
  async get(path, params = {}, signal = undefined) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(params)) {
      url.searchParams.set(name, String(value));
    }
    url.searchParams.set('noescape', 'true');
    let response;
    try {
      response = await fetch(url, { headers: { 'countly-token': this.key }, cache: 'no-store', signal });
    } catch (e) {
      if (e?.name === 'AbortError') {
        throw e;
      }
      throw new ApiError(0, 'The server cannot be reached');
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const message = typeof body?.result === 'string' ? body.result
        : Array.isArray(body?.result) ? body.result.join('; ')
        : `HTTP ${response.status}`;
      throw new ApiError(response.status, message);
    }
    if (body === undefined) {
      throw new ApiError(response.status, 'The server answered with something that is not JSON');
    }
    return body;
  }

  /** GET /o?method=… for one app. */
  read(appId, method, params = {}, signal = undefined) {
    return this.get('/o', { app_id: appId, method, ...params }, signal);
  }
}
