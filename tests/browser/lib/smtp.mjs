// A real SMTP server on loopback for the journeys: the server under test sends
// its mail here (SMTP_URL), and a journey reads each message and follows its
// links, as the person it was written to would.
import { createServer } from 'node:net';

/** Undoes quoted-printable soft line breaks and escapes, so links read whole. */
function decoded(data) {
  return data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

export async function startSmtpSink() {
  const messages = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = '';
    let to = [];
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ to, data: decoded(data) });
            to = [];
            data = '';
            socket.write('250 queued\r\n');
          } else {
            data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith('EHLO')) socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (command.startsWith('MAIL FROM')) socket.write('250 ok\r\n');
        else if (command.startsWith('RCPT TO')) {
          to.push(line.slice(8).trim().replace(/^</, '').replace(/>$/, ''));
          socket.write('250 ok\r\n');
        } else if (command === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (command.startsWith('QUIT')) {
          socket.end('221 bye\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Waits for the first message to `address` whose subject matches `subject`. */
    async waitFor(address, subject, timeout = 20000) {
      const until = Date.now() + timeout;
      while (Date.now() < until) {
        const found = messages.find(
          (m) => m.to.includes(address) && subject.test(m.data.match(/^Subject: (.*)$/m)?.[1] ?? ''),
        );
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no message to ${address} matching ${subject}; got ${messages.length}`);
    },
    close() {
      server.close();
    },
  };
}

/** The first link in a message whose path starts with `prefix`. */
export function linkIn(message, prefix) {
  const escaped = prefix.replace(/[/.]/g, '\\$&');
  return message.data.match(new RegExp(`https?://[^\\s"<>]+${escaped}[^\\s"<>]*`))?.[0];
}
