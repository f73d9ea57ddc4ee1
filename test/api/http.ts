/** Requests to an API server under test, with the raw text kept for format checks. */

/** What the server answered. */
export interface Answer {
  status: number
  contentType: string
  headers: Headers
  text: string
  json: unknown
}

/** A request body: an object sent as JSON, or raw text with its own content type. */
export type Body = {json: unknown} | {raw: string; contentType?: string}

/** Sends `method path` to the server at `base`; json is undefined when the answer is not JSON. */
export async function request(base: string, method: string, path: string, body?: Body): Promise<Answer> {
  const init: RequestInit = {method}
  if (body && 'json' in body) {
    init.body = JSON.stringify(body.json)
    init.headers = {'content-type': 'application/json'}
  } else if (body) {
    init.body = body.raw
    init.headers = body.contentType ? {'content-type': body.contentType} : {}
  }
  const response = await fetch(base + path, init)
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return {status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, text, json}
}
