"""`python -m tui` runs the same command as `paperscope`."""

from tui.cli import main

raise SystemExit(main())
