"""For students: the skeletons they fill in (skeletons), and the check of what they wrote (check)."""
