// The `express4` npm alias (npm:express@4) has no types of its own, and Express 5's types would
// be wrong for it: they read route parameters out of the path with Express 5's syntax and leave
// out what Express 5 removed. These describe the Express 4 the recipes call, as Express 4 has it.
declare module 'express4' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';
  import type { NextFunction, Request, Response } from 'express';

  /** Express 4's request: parameters by name or position, and the methods Express 5 removed. */
  export interface Request4 extends Omit<Request, 'params' | 'query'> {
    params: Record<string, string>;
    // A plain property in Express 4: you may assign it.
    query: Record<string, unknown>;
    param(name: string, defaultValue?: string): string | undefined;
    acceptsCharset(...charsets: string[]): string | false;
    acceptsEncoding(...encodings: string[]): string | false;
    acceptsLanguage(...languages: string[]): string | false;
  }

  /** Express 4's response: the status-after-body signatures and `sendfile`, still there. */
  export interface Response4 extends Response {
    json(body?: unknown, status?: number): this;
    send(body?: unknown, status?: number): this;
    sendfile(path: string, options?: { root?: string }): void;
    sendFile(
      path: string,
      options?: { root?: string; dotfiles?: 'allow' | 'deny' | 'ignore' },
    ): void;
    redirect(url: string): void;
    redirect(status: number, url: string): void;
    redirect(url: string, status: number): void;
  }

  export type { NextFunction };
  export type Handler4 = (req: Request4, res: Response4, next: NextFunction) => unknown;
  export type ErrorHandler4 = (
    err: Error,
    req: Request4,
    res: Response4,
    next: NextFunction,
  ) => unknown;
  type Path4 = string | RegExp | readonly (string | RegExp)[];

  interface Routes4<T> {
    get(path: Path4, ...handlers: Handler4[]): T;
    post(path: Path4, ...handlers: Handler4[]): T;
    put(path: Path4, ...handlers: Handler4[]): T;
    patch(path: Path4, ...handlers: Handler4[]): T;
    delete(path: Path4, ...handlers: Handler4[]): T;
    /** Deprecated in Express 4, gone in 5. */
    del(path: Path4, ...handlers: Handler4[]): T;
    all(path: Path4, ...handlers: Handler4[]): T;
    use(...handlers: Handler4[]): T;
    use(path: Path4, ...handlers: Handler4[]): T;
    use(...handlers: ErrorHandler4[]): T;
    use(path: Path4, ...handlers: ErrorHandler4[]): T;
  }

  export interface Router4 extends Routes4<Router4> {
    (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
  }

  export interface Express4 extends Routes4<Express4> {
    (req: IncomingMessage, res: ServerResponse): void;
    listen(port: number, host: string): Server;
    set(setting: string, value: unknown): this;
  }

  interface BodyOptions {
    limit?: string | number;
    type?: string;
    extended?: boolean;
  }

  export interface Express4Module {
    (): Express4;
    Router(): Router4;
    json(options?: BodyOptions): Handler4;
    urlencoded(options?: BodyOptions): Handler4;
    static(root: string, options?: { dotfiles?: 'allow' | 'deny' | 'ignore' }): Handler4;
  }

  const express4: Express4Module;
  export default express4;
}
