export function loopbackAwsEnv(accessKeyId: string): Record<string, string>;
