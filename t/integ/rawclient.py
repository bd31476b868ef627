# rawclient.py SOCKET [FILE] - send standard input to a unix socket (then,
# with FILE, its descriptor with one more byte, as clamdscan --fdpass
# does), half-close, and print the reply with every NUL shown as |.
# Shared by the vigild integration tests; run with /usr/bin/python3.
import os
import socket
import sys

s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
if len(sys.argv) > 2:
	fd = os.open(sys.argv[2], os.O_RDONLY)
	socket.send_fds(s, [b"x"], [fd])
	os.close(fd)
s.shutdown(socket.SHUT_WR)
out = b""
while True:
	b = s.recv(65536)
	if not b:
		break
	out += b
sys.stdout.write(out.replace(b"\0", b"|").decode("latin-1"))
