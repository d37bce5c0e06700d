import sys

from motoropt.cli import main

sys.exit(main())
