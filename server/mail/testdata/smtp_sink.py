#!/usr/bin/python3
"""A loopback SMTP server for the mailer's tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port (port 0), writes the port to --port-file once it
accepts connections, and writes every mail it accepts to --dir as N.eml (the bytes as
received) and N.json (envelope and the decoded message: from, to, subject, message_id,
date, content_type, body), each written to a temporary name first and then renamed.
With --reject CODE_AND_TEXT (e.g. "550 5.1.1 Mailbox unavailable") every RCPT TO is
answered with that reply instead. Runs until SIGTERM or SIGINT.

Usage: /usr/bin/python3 smtp_sink.py --port-file FILE --dir DIR [--reject "550 ..."]
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal

from aiosmtpd.smtp import SMTP


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return self.reject
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "transfer_encoding": str(message["Content-Transfer-Encoding"]),
            "body": message.get_content().replace("\r\n", "\n"),
        }
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(summary, ensure_ascii=False).encode("utf-8"))
        return "250 OK queued as ctid-test-%d" % self.count


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject", default="")
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    sink = Sink(args.dir, args.reject)
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="ctid-test-sink"), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    write_atomically(args.port_file, ("%d\n" % port).encode())
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
