"""The Switchyard lab: rebuilds the original checksum investigation on one machine with real
network namespaces, veth pairs, switches, curl and tcpdump. Run it as `python3 -m lab`."""
