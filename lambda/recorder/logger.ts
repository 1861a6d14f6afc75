export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, e.g. the SQS message id. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  /** Receives one complete line; defaults to stdout. */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * Raw stdout rather than console.*: the Lambda runtime prefixes console output, which would break
 * both JSON log parsing and Embedded Metric Format extraction.
 */
export const writeStdout = (line: string): void => {
  process.stdout.write(line);
};

function serialise(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

export function createLogger(options: LoggerOptions, context: LogFields = {}): Logger {
  const { service, level, write = writeStdout, now = () => new Date() } = options;
  const threshold = LOG_LEVELS.indexOf(level);

  const emit = (lineLevel: LogLevel, message: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    const line = { level: lineLevel, message, timestamp: now().toISOString(), service, ...context, ...fields };
    write(`${JSON.stringify(line, serialise)}\n`);
  };

  return {
    debug: (message, fields) => emit("DEBUG", message, fields),
    info: (message, fields) => emit("INFO", message, fields),
    warn: (message, fields) => emit("WARN", message, fields),
    error: (message, fields) => emit("ERROR", message, fields),
    with: (fields) => createLogger(options, { ...context, ...fields }),
  };
}
