"""Runs a command with stdout and stderr on a fresh pseudo-terminal (a user's terminal, as far as
the command can tell), copies everything it wrote, raw, to our stdout and exits with its status."""
import os
import pty
import select
import subprocess
import sys

master, slave = pty.openpty()
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
os.close(slave)
seen = b""
while True:
    ready, _, _ = select.select([master], [], [], 0.5)
    if ready:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the command has exited and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    elif proc.poll() is not None:
        break
proc.wait(timeout=600)
sys.stdout.buffer.write(seen)
sys.exit(proc.returncode)
