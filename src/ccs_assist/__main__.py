import sys

from ccs_assist.interfaces.cli import main

sys.exit(main())
