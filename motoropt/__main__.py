import sys

from motoropt.cli.main import main

sys.exit(main())
