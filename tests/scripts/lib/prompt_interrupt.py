"""Runs a command on a fresh pseudo-terminal, waits for its PIN prompt, types Ctrl-C and checks
that the terminal's echo is on again once the command has died of the interrupt."""
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

master, slave = pty.openpty()
proc = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave,
                        start_new_session=True,
                        preexec_fn=lambda: __import__("fcntl").ioctl(0, termios.TIOCSCTTY, 0))
seen = b""
deadline = time.time() + 20
while b"PIN for" not in seen and time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if ready:
        seen += os.read(master, 1024)
if b"PIN for" not in seen:
    proc.kill()
    sys.exit(f"no PIN prompt; saw {seen!r}")
time.sleep(0.3)  # echo is switched off right after the prompt is printed
if termios.tcgetattr(slave)[3] & termios.ECHO:
    sys.exit("echo still on while the PIN is typed")
os.write(master, b"\x03")
proc.wait(timeout=20)
if proc.returncode != -signal.SIGINT:
    sys.exit(f"expected death by SIGINT, exit {proc.returncode}")
if not termios.tcgetattr(slave)[3] & termios.ECHO:
    sys.exit("echo left off after Ctrl-C")
