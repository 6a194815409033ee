"""The UI kit every app's pages share: GOV.UK form widgets, form pages, and one way to run a form's act.

It knows nothing of pupils, schools or organisations, so any app may build on it.
"""
