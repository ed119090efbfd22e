// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // One navigation menu open at a time; a click elsewhere closes it.
  const menus = document.querySelectorAll("details.menu");
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // Forms marked data-confirm ask before doing something that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});

// Buttons marked data-print print the page (statements are laid out for paper).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

// A box marked data-tick-all="name" ticks or clears every checkbox of that name in its form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-tick-all]").forEach((box) => {
    box.addEventListener("change", () => {
      box.form.querySelectorAll(`input[name="${box.dataset.tickAll}"]`).forEach((other) => {
        other.checked = box.checked;
      });
    });
  });
});
