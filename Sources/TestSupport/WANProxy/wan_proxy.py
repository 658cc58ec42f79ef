#!/usr/bin/env python3
"""A WAN stand-in for tests: a TCP proxy from a loopback port to a target, that adds latency
(with jitter, order kept per direction) and can cut the link.

    wan_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT LATENCY_MS JITTER_MS STATE_FILE

SIGUSR1 cuts the link like a WAN outage, not a refusal: bytes on open connections stop moving
and new connections are accepted but carry nothing (senders see timeouts). SIGUSR2 restores it:
connections that were open during the cut are dropped (as a real long cut ends them) and new
ones flow again. STATE_FILE gets one line per change ("listening", "cut", "restored") and the
bytes carried each way, so a test can wait on it.
"""
import asyncio, os, random, signal, sys, time

listen_port, target_host, target_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
latency, jitter, state_file = float(sys.argv[4]) / 1000, float(sys.argv[5]) / 1000, sys.argv[6]
cut = False
generation = 0          # connections of an older generation are dropped on restore
connections = set()
carried = {"up": 0, "down": 0}


def note(event):
    with open(state_file, "a") as f:
        f.write(f"{time.time():.3f} {event} up={carried['up']} down={carried['down']}\n")


async def pump(reader, writer, direction, born):
    """Copies one direction, each chunk delayed by latency ± jitter, never reordered."""
    queue = asyncio.Queue()

    async def deliver():
        last_due = 0.0
        while True:
            due, data = await queue.get()
            if data is None:
                break
            due = max(due, last_due)  # jitter never reorders a byte stream
            last_due = due
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            while cut and born == generation:
                await asyncio.sleep(0.05)  # the link is cut: hold the bytes
            if born != generation:
                break
            writer.write(data)
            carried[direction] += len(data)
            await writer.drain()

    deliverer = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await queue.put((time.monotonic() + max(0.0, latency + random.uniform(-jitter, jitter)), data))
    except (ConnectionError, asyncio.CancelledError):
        pass
    await queue.put((0, None))
    try:
        await deliverer
    except (ConnectionError, asyncio.CancelledError):
        pass
    try:
        writer.close()
    except Exception:
        pass


async def handle(client_reader, client_writer):
    born = generation
    task = asyncio.current_task()
    connections.add(task)
    try:
        while cut and born == generation:
            await asyncio.sleep(0.05)  # accepted during a cut: nothing gets through
        if born != generation:
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            return  # the target is down: the client sees its connection close
        await asyncio.gather(
            pump(client_reader, server_writer, "up", born), pump(server_reader, client_writer, "down", born))
    except asyncio.CancelledError:
        pass
    finally:
        connections.discard(task)
        try:
            client_writer.close()
        except Exception:
            pass


def set_cut():
    global cut
    cut = True
    note("cut")


def restore():
    global cut, generation
    generation += 1
    cut = False
    for task in list(connections):
        task.cancel()
    note("restored")


async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, set_cut)
    loop.add_signal_handler(signal.SIGUSR2, restore)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    note("listening")
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main())
except RuntimeError:
    pass  # stopped by SIGTERM
