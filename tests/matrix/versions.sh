#!/usr/bin/env bash
# One line: the versions of torch, Python, IPython, g++ and Catch2 here
# (the columns of ./run matrix's table); "-" for what is missing.
v() { "$@" 2>/dev/null || echo -; }
torch=$(v /usr/bin/python3 -c 'import torch; print(torch.__version__.split("+")[0])')
python=$(v /usr/bin/python3 -c 'import platform; print(platform.python_version())')
ipython=$(v /usr/bin/python3 -c 'import IPython; print(IPython.__version__)')
gxx=$(v g++ -dumpfullversion)
catch2=$(dpkg-query -W -f='${Version}' catch2 2>/dev/null | sed 's/-[^-]*$//')
echo "$torch $python $ipython $gxx ${catch2:--}"
