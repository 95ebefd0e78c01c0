"""`sitegen serve`: builds in memory, rebuilds what an edit touched, serves with live reload.
Owns a socket and memory and prints the server's own log lines; never writes `build/` but
for the self-signed certificate it keeps in the cache."""
