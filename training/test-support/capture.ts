// Captures what code in this process writes to stdout or stderr (logs, --help), for assertions.

export async function captureOutput<T>(
  stream: NodeJS.WriteStream,
  action: () => T | Promise<T>,
): Promise<{ result: T; text: string }> {
  const original = stream.write.bind(stream);
  let text = "";
  stream.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof stream.write;
  try {
    const result = await action();
    return { result, text };
  } finally {
    stream.write = original;
  }
}
