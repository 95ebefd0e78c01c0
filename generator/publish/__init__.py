"""Where a build leaves this machine: targets, header rules, the pure sync plan, the sync
engines (S3 and folders), publishing a demo and handing a release over. The only room that
speaks to the network; prints nothing (the terminal is `cli`'s)."""
