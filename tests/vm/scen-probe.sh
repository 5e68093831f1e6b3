echo "PROBE booted"
