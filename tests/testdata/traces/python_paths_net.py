# A small program for a path/network dry-run trace: writes inside and outside an allowed
# directory, connects to loopback listeners (TCP v4/v6), sends a UDP datagram, runs a child.
import os, socket, subprocess
with open("/tmp/cordon-demo/out/ok.txt", "w") as f:
    f.write("ok\n")
with open("/tmp/cordon-demo/elsewhere.txt", "w") as f:
    f.write("outside\n")
os.mkdir("/tmp/cordon-demo/newdir")
os.chdir("/tmp/cordon-demo/out")
with open("rel.txt", "w") as f:
    f.write("relative, inside\n")
with open("../rel-outside.txt", "w") as f:
    f.write("relative, outside\n")
for port in (47011, 47012):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", port))
    s.close()
s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s6.connect(("::1", 47013))
s6.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"ping", ("127.0.0.1", 47014))
u.close()
subprocess.run(["/bin/true"], check=True)
