// Pattern 2 (renderer to main, two-way), as the Electron IPC tutorial's renderer.js has it.
const btn = document.getElementById('btn')
const filePathElement = document.getElementById('filePath')

btn.addEventListener('click', async () => {
  const filePath = await window.electronAPI.openFile()
  filePathElement.innerText = filePath
})
