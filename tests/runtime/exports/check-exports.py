#!/usr/bin/env python3
# check-exports.py LIBMLRT.so MLRT.H: the dynamic symbols libmlrt defines
# (nm -D --defined-only) are exactly the functions mlrt.h marks MLRT_API:
# no internal symbol leaks into the ABI, and no public function is left
# hidden. Prints each difference; exits 1 when there is one.
import re
import subprocess
import sys

lib, header = sys.argv[1], sys.argv[2]
text = open(header).read()
public = set(re.findall(r'^MLRT_API\n[^;(]*?\b(mlrt_\w+) \(', text, re.M))
if len(public) < 10:
    sys.exit(f'{header}: found only {len(public)} MLRT_API functions')

nm = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                    capture_output=True, text=True).stdout
exported = {line.split()[-1] for line in nm.splitlines() if line.strip()}

leaked = sorted(exported - public)
hidden = sorted(public - exported)
for name in leaked:
    print(f'{lib}: exports {name}, which {header} does not declare MLRT_API')
for name in hidden:
    print(f'{lib}: does not export {name}, declared MLRT_API in {header}')
print(f'{len(exported)} symbols exported, {len(public)} public functions')
sys.exit(1 if leaked or hidden else 0)
