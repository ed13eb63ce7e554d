// A tiny request router with one tangled function, for trying mu-lsp.

export interface Route { method: string; pattern: RegExp; handler: (params: string[]) => string; auth?: boolean }

export function dispatch(routes: Route[], method: string, path: string, token?: string): string {
  let fallback: Route | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== "*") {
      continue;
    }
    const match = route.pattern.exec(path);
    if (!match) {
      if (route.pattern.source === ".*") fallback = route;
      continue;
    }
    if (route.auth && (!token || token.length < 16)) {
      return "401";
    }
    try {
      return route.handler(match.slice(1));
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) {
        return "400";
      }
      return "500";
    }
  }
  return fallback ? fallback.handler([]) : method === "GET" ? "404" : "405";
}

export const healthy = (): string => "ok";
