"""Code copied from other projects, each under a subpackage named after its source, which
states the release the copies follow and checks that the installed one still matches.

Nothing else in cleaner copies library code: a copy lives here or nowhere.
"""
