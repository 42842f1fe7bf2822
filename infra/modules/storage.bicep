// The Functions host's storage account (AzureWebJobsStorage): identity-based access only.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

@description('Create the private blob container app-packages, for apps that run from a package fetched with the managed identity.')
param createPackageContainer bool = false

var packageContainerName = 'app-packages'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false // Microsoft Entra ID only: no account keys, no SAS
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = if (createPackageContainer) {
  parent: account
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (createPackageContainer) {
  parent: blobService
  name: packageContainerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = account.name
output packageContainerUrl string = createPackageContainer ? '${account.properties.primaryEndpoints.blob}${packageContainerName}' : ''
