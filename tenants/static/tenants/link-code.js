// An emailed link carries its code after '#', which browsers never send to a server. Move the
// code into the page's form, take it out of the address bar, and send the form (a POST).
const form = document.querySelector('form[data-link-code]')
if (form && window.location.hash.length > 1) {
  form.querySelector('input[name="code"]').value = decodeURIComponent(window.location.hash.slice(1))
  window.history.replaceState(null, '', window.location.pathname)
  form.submit()
}
